import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class AssignOpportunityDto {
  @ApiProperty({ description: 'Id of an active account manager (GET /users?role=manager)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  assigneeId!: string;
}
