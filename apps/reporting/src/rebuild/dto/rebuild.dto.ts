import { ApiProperty } from '@nestjs/swagger';
import type { RebuildResult } from '../rebuild-reports';

export class RebuildResponse implements RebuildResult {
  @ApiProperty({ description: 'order facts the contribution was computed from' }) orderFacts!: number;
  @ApiProperty({ description: 'customer facts the composition was computed from' }) customerFacts!: number;
  @ApiProperty({ description: 'ticket facts the service analysis was computed from' }) ticketFacts!: number;
  @ApiProperty({ description: 'contribution rows written (per customer number and year, and per number over all years)' }) contributionRows!: number;
  @ApiProperty({ description: 'composition rows written (per dimension and item)' }) compositionRows!: number;
  @ApiProperty({ description: 'service analysis rows written (per year and type)' }) serviceRows!: number;
  @ApiProperty({ description: 'how long the rebuild’s transaction took' }) durationMs!: number;
}
