import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { RebuildResponse } from './dto/rebuild.dto';
import { RebuildReports } from './rebuild-reports';

@ApiTags('Reports')
@ApiBearerAuth()
// 400: a body that is not JSON (the endpoint takes none, but a malformed one is still refused).
@ApiProblemResponses(400, 401, 403, 429)
@Controller('reports')
export class RebuildController {
  constructor(private readonly rebuild: RebuildReports) {}

  @Post('rebuild')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recompute every report’s pre-aggregated rows from the events this service kept (admin); events go on being applied meanwhile' })
  @ApiOkResponse({ type: RebuildResponse })
  execute(): Promise<RebuildResponse> {
    return this.rebuild.execute();
  }
}
