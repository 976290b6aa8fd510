import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiResponse, ApiTags, getSchemaPath, ApiOperation } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses, ProblemDetailsDto } from '@crm/service-kit/http';
import { DeadLettersService } from './dead-letters.service';
import {
  DeadLetterDetailResponse,
  DeadLetterListResponse,
  DeadLetterOutcomeResponse,
  DeadLetterQueuesResponse,
  DeadLetterSelectionDto,
  ListDeadLettersQuery,
} from './dto/dead-letters.dto';

const QUEUE = ApiParam({ name: 'queue', description: '`<service>.events.dlq` of a known service, or `<exchange>.unrouted` (else 404)' });

/**
 * Dead-lettered and unrouted events, for admins: list, inspect, replay to where they came from,
 * discard. The same operations as `npm run messaging -- dead-letters …` (libs/messaging/src/admin).
 */
@ApiTags('Admin: dead letters')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 429)
@ApiResponse({
  status: 503,
  description: 'The message broker is unreachable (`DEAD_LETTERS.BROKER_UNAVAILABLE`)',
  content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
})
@Roles('admin')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @ApiOperation({ summary: "Each service's dead-letter queue and the unrouted queue, with message counts (admin)" })
  @Get()
  @ApiOkResponse({ type: DeadLetterQueuesResponse, description: 'every known dead-letter queue and the unrouted queue, with counts' })
  async queues(): Promise<DeadLetterQueuesResponse> {
    return { items: await this.deadLetters.queues() };
  }

  @ApiOperation({ summary: 'Dead-lettered or unrouted events of one queue, optionally of one type (admin)' })
  @Get(':queue')
  @QUEUE
  @ApiOkResponse({ type: DeadLetterListResponse, description: 'a peek: the messages stay in the queue, in their order' })
  list(@Param('queue') queue: string, @Query() query: ListDeadLettersQuery): Promise<DeadLetterListResponse> {
    return this.deadLetters.list(queue, query.type, query.limit);
  }

  @ApiOperation({ summary: 'One dead-lettered event with its headers and body (admin)' })
  @Get(':queue/messages/:id')
  @QUEUE
  @ApiOkResponse({ type: DeadLetterDetailResponse })
  show(@Param('queue') queue: string, @Param('id') id: string): Promise<DeadLetterDetailResponse> {
    return this.deadLetters.show(queue, id);
  }

  @ApiOperation({ summary: 'Replay dead-lettered events by id or type, keeping their CloudEvents id (admin)' })
  @Post(':queue/replay')
  @HttpCode(200)
  @QUEUE
  @ApiOkResponse({ type: DeadLetterOutcomeResponse, description: 'republished where they came from, each acked after the broker confirmed its copy' })
  replay(@Param('queue') queue: string, @Body() selection: DeadLetterSelectionDto): Promise<DeadLetterOutcomeResponse> {
    return this.deadLetters.replay(queue, selection);
  }

  @ApiOperation({ summary: 'Discard dead-lettered events by id or type (admin)' })
  @Post(':queue/discard')
  @HttpCode(200)
  @QUEUE
  @ApiOkResponse({ type: DeadLetterOutcomeResponse, description: 'deleted for good' })
  discard(@Param('queue') queue: string, @Body() selection: DeadLetterSelectionDto): Promise<DeadLetterOutcomeResponse> {
    return this.deadLetters.discard(queue, selection);
  }
}
