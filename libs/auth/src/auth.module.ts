import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AUTH_MODULE_OPTIONS, type AuthModuleOptions } from './auth.options';
import { KeycloakConnectTokenVerifier } from './keycloak/keycloak-connect-token-verifier';
import { TokenVerifier } from './token-verifier';

export interface AuthModuleWiring {
  /** Another verifier (a Nest provider class; it may inject AUTH_MODULE_OPTIONS). Default: keycloak-connect. */
  verifier?: Type<TokenVerifier>;
}

@Module({})
export class AuthModule {
  /**
   * Global: provides TokenVerifier and guards every HTTP route with AuthGuard. Replace the
   * verifier with `wiring.verifier`, or in tests with `overrideProvider(TokenVerifier)`.
   */
  static forRoot(options: AuthModuleOptions, wiring: AuthModuleWiring = {}): DynamicModule {
    const verifier: Provider = wiring.verifier
      ? { provide: TokenVerifier, useClass: wiring.verifier }
      : {
          provide: TokenVerifier,
          useFactory: (opts: AuthModuleOptions) => new KeycloakConnectTokenVerifier(opts),
          inject: [AUTH_MODULE_OPTIONS],
        };
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_MODULE_OPTIONS, useValue: options }, verifier, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier, AUTH_MODULE_OPTIONS],
    };
  }
}
