import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiProperty, ApiTags, ApiOperation } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Role, ROLES } from '@crm/contracts';
import { AuthenticatedUser, CurrentUser } from '@crm/auth';
import { DirectoryUser, UserDirectory } from '@crm/identity';
import { ApiProblemResponses, PageMetaDto, PageQueryDto } from '@crm/service-kit/http';

export class ListUsersQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class UserResponse {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ required: false }) email?: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];

  static from(user: Pick<DirectoryUser, 'id' | 'username' | 'name' | 'email' | 'roles'>): UserResponse {
    return { id: user.id, username: user.username, name: user.name, ...(user.email ? { email: user.email } : {}), roles: user.roles };
  }
}

export class UserPageResponse extends PageMetaDto {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
}

/** The users directory for assignee pickers: active users of the realm, by role (§6). */
@ApiTags('Users')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 429)
@Controller()
export class UsersController {
  constructor(private readonly directory: UserDirectory) {}

  @ApiOperation({ summary: 'Active users, optionally with one realm role (assignee pickers)' })
  @Get('users')
  @ApiOkResponse({ type: UserPageResponse, description: 'active users, optionally of one role' })
  async list(@Query() query: ListUsersQuery): Promise<UserPageResponse> {
    const users = await this.directory.listUsers({ role: query.role, activeOnly: true });
    const sorted = [...users].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const items = sorted.slice(query.offset, query.offset + query.pageSize).map(UserResponse.from);
    return { items, total: sorted.length, page: query.page, pageSize: query.pageSize };
  }

  @ApiOperation({ summary: 'The signed-in user: id, name and realm roles' })
  @Get('me')
  @ApiOkResponse({ type: UserResponse, description: 'the signed-in user, from the access token' })
  me(@CurrentUser() user: AuthenticatedUser): UserResponse {
    return UserResponse.from({ id: user.id, username: user.username, name: user.name, email: user.email, roles: user.roles });
  }
}
