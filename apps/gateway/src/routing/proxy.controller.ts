import { All, Controller, OnModuleInit, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, AuthenticatedUser, CurrentUser } from '@crm/auth';
import { currentCorrelationId } from '@crm/observability';
import { findRoute } from './route-table';
import { GatewayError, GatewayErrorCode } from './gateway.errors';
import { installStreamedBodyParsers, UpstreamClient } from './upstream.client';

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** Everything under /api/v1 that the gateway does not answer itself goes to its service. */
@ApiExcludeController()
@Controller()
export class ProxyController implements OnModuleInit {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** File uploads reach `forward` as unread streams (see UpstreamClient), before the server is ready. */
  onModuleInit(): void {
    installStreamedBodyParsers(this.adapterHost.httpAdapter.getInstance());
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
    const response = await this.upstream.forward(route.service, request, currentCorrelationId());
    // A Buffer, or a stream Fastify pipes to the client (and destroys if the client goes away).
    reply.status(response.status).headers(response.headers).send(response.body);
  }
}
