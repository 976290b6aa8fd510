import { findRoute } from './route-table';

describe('route table', () => {
  it.each([
    ['/customers/c-1/orders', 'sales-bridge'],
    ['/customers/c-1/orders?page=2&pageSize=10', 'sales-bridge'],
    ['/customers/c-1/orders/12345', 'sales-bridge'],
    ['/customers/c-1/orders/', 'sales-bridge'],
    ['/customers/c-1', 'customer'],
    ['/customers?name=orders', 'customer'],
    ['/customers/c-1/contacts', 'customer'],
    ['/customers/c-1/orders-archive', 'customer'],
    ['/customers/c-1/orders/12345/lines', 'customer'],
    ['/customers/republish', 'customer'],
    ['/churn-records/scan', 'customer'],
    ['/products?name=叉车', 'sales-bridge'],
    ['/inventory', 'sales-bridge'],
    ['/opportunities/o-1', 'marketing'],
    ['/service-tickets?status=archived', 'service-desk'],
    ['/service-tickets/t-1/feedback', 'service-desk'],
    ['/reports/contribution?year=2026', 'reporting'],
    ['/reports/churn/export', 'reporting'],
    ['/reports/rebuild', 'reporting'],
  ])('%s → %s', (path, service) => {
    expect(findRoute(path)?.service).toBe(service);
  });

  it('has no route for an unknown resource', () => {
    expect(findRoute('/orders')).toBeUndefined();
  });

  it('lets only managers and supervisors at products and inventory, everyone at a customer’s orders', () => {
    expect(findRoute('/products')?.roles).toEqual(['manager', 'supervisor']);
    expect(findRoute('/customers/c-1/orders')?.roles).toEqual(['admin', 'supervisor', 'manager', 'executive']);
  });

  it('lets only supervisors and executives at reports, only admins rebuild them, managers and supervisors at the desk', () => {
    expect(findRoute('/reports/contribution')?.roles).toEqual(['supervisor', 'executive']);
    expect(findRoute('/reports/rebuild')?.roles).toEqual(['admin']);
    expect(findRoute('/reports/rebuild-history')?.roles).toEqual(['supervisor', 'executive']);
    expect(findRoute('/service-tickets/t-1/assign')?.roles).toEqual(['supervisor', 'manager']);
  });
});
