import { All, Controller, OnModuleInit, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, AuthenticatedUser, CurrentUser } from '@crm/auth';
import { currentCorrelationId } from '@crm/observability';
import { findRoute } from './route-table';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { installForwarding, UpstreamClient, UpstreamPool } from './upstream.client';

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** Everything under /api/v1 that the gateway does not answer itself goes to its service. */
@ApiExcludeController()
@Controller()
export class ProxyController implements OnModuleInit {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly pool: UpstreamPool,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** `reply.from` and unread upload streams (see UpstreamClient), before the server is ready. */
  onModuleInit(): void {
    installForwarding(this.adapterHost.httpAdapter.getInstance(), this.pool);
  }

  @All('*')
  async forward(@CurrentUser() user: AuthenticatedUser, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = request.url.replace(/^\/api\/v1/, '');
    // `..` or `.` segments (also percent-encoded) would let the forwarded URL escape the route
    // the roles were checked for, once the URL is resolved.
    if (DOT_SEGMENT.test(path.split('?')[0])) {
      throw new GatewayError(GatewayErrorCode.NoRoute, 'Paths with . or .. segments are not served.');
    }
    const route = findRoute(path);
    if (!route) throw new GatewayError(GatewayErrorCode.NoRoute, `No API resource at ${request.url.split('?')[0]}.`);
    if (!route.roles.some((role) => user.roles.includes(role))) {
      throw AuthError.forbidden(`Requires one of the roles: ${route.roles.join(', ')}.`);
    }
    // The answer streams to the client as it comes (and is cut off if the client goes away).
    await this.upstream.forward(route.service, request, reply, currentCorrelationId());
  }
}
