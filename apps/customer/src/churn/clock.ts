import { Injectable } from '@nestjs/common';

/** The time the churn feature reads (warnings, measures, closing); tests provide one they move. */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
