import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
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
    return merged;
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
