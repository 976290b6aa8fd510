import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import {
  CreateDictionaryItemDto,
  DictionaryItemResponse,
  DictionaryListResponse,
  DictionaryQuery,
  RepublishResponse,
  UpdateDictionaryItemDto,
} from './dto/dictionary-item.dto';
import { DictionaryService } from './dictionary.service';

@ApiTags('Base data: dictionary')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 429)
@Roles('admin')
@Controller('dictionary')
export class DictionaryController {
  constructor(private readonly dictionary: DictionaryService) {}

  @Get()
  @Roles('admin', 'supervisor', 'manager', 'executive')
  @ApiOperation({ summary: 'Dictionary items, optionally of one category (the options of select-like fields)' })
  @ApiOkResponse({ type: DictionaryListResponse })
  async list(@Query() query: DictionaryQuery): Promise<DictionaryListResponse> {
    return { items: (await this.dictionary.list(query.category)).map(DictionaryItemResponse.from) };
  }

  @Post()
  @ApiOperation({ summary: 'Add an item (admin)' })
  @ApiCreatedResponse({ type: DictionaryItemResponse })
  async create(@Body() dto: CreateDictionaryItemDto): Promise<DictionaryItemResponse> {
    return DictionaryItemResponse.from(await this.dictionary.create({ ...dto, editable: dto.editable ?? true }));
  }

  @Post('republish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish every item again, for a service whose copy started late (admin)' })
  @ApiOkResponse({ type: RepublishResponse })
  async republish(): Promise<RepublishResponse> {
    return { published: await this.dictionary.republish() };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit an editable item (admin); read-only items answer 409' })
  @ApiOkResponse({ type: DictionaryItemResponse })
  async update(@Param('id') id: string, @Body() dto: UpdateDictionaryItemDto): Promise<DictionaryItemResponse> {
    return DictionaryItemResponse.from(await this.dictionary.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an editable item (admin); read-only items answer 409' })
  @ApiNoContentResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.dictionary.remove(id);
  }
}
