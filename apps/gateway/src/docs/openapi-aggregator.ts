import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { normalizeNullableRefs } from '@crm/service-kit/http';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

const REFRESH_MS = 30_000;

/**
 * The whole API's OpenAPI document: the gateway's own routes plus every service's document
 * (each service serves its own at /openapi.json). Fetched on demand, cached briefly; a service
 * that is down keeps its last known paths instead of vanishing from the docs.
 */
@Injectable()
export class OpenApiAggregator {
  private readonly logger = new Logger(OpenApiAggregator.name);
  private readonly lastKnown = new Map<string, OpenAPIObject>();
  private fetchedAt = 0;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async document(own: OpenAPIObject): Promise<OpenAPIObject> {
    if (Date.now() - this.fetchedAt > REFRESH_MS) await this.refresh();
    const merged: OpenAPIObject = structuredClone(own);
    merged.paths ??= {};
    merged.components ??= {};
    merged.components.schemas ??= {};
    merged.tags ??= [];
    for (const document of this.lastKnown.values()) {
      Object.assign(merged.paths, document.paths);
      Object.assign(merged.components.schemas!, document.components?.schemas ?? {});
      for (const tag of document.tags ?? []) if (!merged.tags.some((t) => t.name === tag.name)) merged.tags.push(tag);
    }
    documentGatewayAnswers(merged);
    return normalizeNullableRefs(merged);
  }

  private async refresh(): Promise<void> {
    this.fetchedAt = Date.now();
    await Promise.all(
      Object.entries(this.config.services).map(async ([name, urls]) => {
        try {
          const response = await firstAnswer(urls.map((url) => new URL('/openapi.json', url)));
          if (response.ok) this.lastKnown.set(name, (await response.json()) as OpenAPIObject);
        } catch (error) {
          this.logger.warn(`cannot fetch the ${name} service's OpenAPI document: ${(error as Error).message}`);
        }
      }),
    );
  }
}

/**
 * What the gateway itself may answer for any forwarded operation, whichever service owns it: the
 * owning service down (503) or too slow (504), as problem+json.
 */
const GATEWAY_ANSWERS: Record<string, string> = {
  '503': 'The service that owns this operation is unavailable (`GATEWAY.UPSTREAM_UNAVAILABLE`)',
  '504': 'The service that owns this operation did not answer in time (`GATEWAY.UPSTREAM_TIMEOUT`)',
};

function documentGatewayAnswers(document: OpenAPIObject): void {
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsDto' } } };
  for (const [path, operations] of Object.entries(document.paths)) {
    if (path.startsWith('/health/')) {
      // Probes take no token: the document's default security does not apply to them.
      for (const operation of Object.values(operations) as { security?: unknown[] }[]) if (typeof operation === 'object') operation.security = [];
      continue;
    }
    if (!path.startsWith('/api/v1/')) continue;
    for (const operation of Object.values(operations) as { responses?: Record<string, unknown> }[]) {
      if (typeof operation !== 'object' || !operation?.responses) continue;
      for (const [status, description] of Object.entries(GATEWAY_ANSWERS)) operation.responses[status] ??= { description, content: problem };
    }
  }
}

/** The first replica that answers (any one has the same document). */
async function firstAnswer(urls: URL[]): Promise<Response> {
  let lastError: unknown;
  for (const url of urls) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2000) });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
