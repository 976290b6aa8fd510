/** Injection token: the company's IANA time zone (COMPANY_TIME_ZONE), e.g. Asia/Shanghai. */
export const COMPANY_TIME_ZONE = Symbol('COMPANY_TIME_ZONE');
