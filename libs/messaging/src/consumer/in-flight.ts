import { Injectable } from '@nestjs/common';
import { InFlightTracker } from '@crm/observability';

/** Messages being handled, so shutdown can wait for them after consuming stopped. */
@Injectable()
export class InFlightMessages extends InFlightTracker {}
