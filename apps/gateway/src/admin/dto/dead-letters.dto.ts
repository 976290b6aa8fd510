import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const EVENT_TYPE_MAX = 200;
const ID_MAX = 200;

export class ListDeadLettersQuery {
  @ApiPropertyOptional({ description: 'only messages of this event type, e.g. marketing.opportunity.succeeded.v1' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(EVENT_TYPE_MAX)
  type?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

/** Exactly one of `ids`, `type` or `all: true` (else 400 DEAD_LETTERS.NOTHING_SELECTED / AMBIGUOUS_SELECTOR). */
export class DeadLetterSelectionDto {
  @ApiPropertyOptional({ type: [String], maxItems: 1000, description: 'message ids (CloudEvents ids)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(ID_MAX, { each: true })
  ids?: string[];

  @ApiPropertyOptional({ description: 'every message of this event type' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(EVENT_TYPE_MAX)
  type?: string;

  @ApiPropertyOptional({ description: 'every message in the queue (up to 10,000 per call)' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}

export class DeadLetterQueueResponse {
  @ApiProperty({ example: 'marketing.events.dlq' }) queue!: string;
  @ApiProperty({ enum: ['dead-letter', 'unrouted'] }) kind!: 'dead-letter' | 'unrouted';
  @ApiProperty({ nullable: true, type: String }) service!: string | null;
  @ApiProperty({ description: 'false when the service has not declared its queue yet' }) present!: boolean;
  @ApiProperty({ description: 'ready messages as the broker counts them' }) messages!: number;
}

export class DeadLetterQueuesResponse {
  @ApiProperty({ type: [DeadLetterQueueResponse] }) items!: DeadLetterQueueResponse[];
}

export class DeadLetterSummaryResponse {
  @ApiProperty({ nullable: true, type: String, description: 'CloudEvents id = AMQP messageId' }) id!: string | null;
  @ApiProperty({ nullable: true, type: String }) type!: string | null;
  @ApiProperty({ nullable: true, type: String }) routingKey!: string | null;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) time!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) consumer!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'where a replay sends it' }) originalQueue!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deadLetteredAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) attempts!: number | null;
}

export class DeadLetterDetailResponse extends DeadLetterSummaryResponse {
  @ApiProperty({ type: 'object', additionalProperties: true }) properties!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) headers!: Record<string, unknown>;
  @ApiProperty({ description: 'the message body: parsed JSON, else text' }) body!: unknown;
}

class ScanExtentResponse {
  @ApiProperty() queue!: string;
  @ApiProperty() present!: boolean;
  @ApiProperty({ description: 'messages looked at (at most 10,000 per call)' }) scanned!: number;
  @ApiProperty({ description: 'false when the call stopped before the end of the queue' }) complete!: boolean;
  @ApiProperty({ description: 'messages that matched the type or selection' }) matched!: number;
}

export class DeadLetterListResponse extends ScanExtentResponse {
  @ApiProperty({ type: [DeadLetterSummaryResponse], description: 'the first `limit` matching messages, oldest first' })
  items!: DeadLetterSummaryResponse[];
}

export class DeadLetterFailureResponse {
  @ApiProperty({ nullable: true, type: String }) id!: string | null;
  @ApiProperty() reason!: string;
}

export class DeadLetterOutcomeResponse extends ScanExtentResponse {
  @ApiProperty({ description: 'messages replayed or discarded' }) done!: number;
  @ApiProperty({ type: [DeadLetterFailureResponse], description: 'matching messages left in the queue, and why' })
  failed!: DeadLetterFailureResponse[];
  @ApiPropertyOptional({ description: 'why the call stopped early; the rest is untouched' }) aborted?: string;
}
