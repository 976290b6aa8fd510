import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, AuthenticatedUser, CurrentUser } from '@crm/auth';
import { currentCorrelationId } from '@crm/observability';
import { findRoute } from './route-table';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { UpstreamClient } from './upstream.client';

/** Everything under /api/v1 that the gateway does not answer itself goes to its service. */
@ApiExcludeController()
@Controller()
export class ProxyController {
  constructor(private readonly upstream: UpstreamClient) {}

  @All('*')
  async forward(@CurrentUser() user: AuthenticatedUser, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = request.url.replace(/^\/api\/v1/, '');
    const route = findRoute(path);
    if (!route) throw new GatewayError(GatewayErrorCode.NoRoute, `No API resource at ${request.url.split('?')[0]}.`);
    if (!route.roles.some((role) => user.roles.includes(role))) {
      throw AuthError.forbidden(`Requires one of the roles: ${route.roles.join(', ')}.`);
    }
    const response = await this.upstream.forward(route.service, request, currentCorrelationId());
    reply.status(response.status).headers(response.headers).send(response.body);
  }
}
