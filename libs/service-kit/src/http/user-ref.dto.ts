import { ApiProperty } from '@nestjs/swagger';

/** A user reference in responses: `{id, name}` (contract "HTTP conventions"). */
export class UserRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}
