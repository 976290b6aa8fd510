import { RequiredText } from '@crm/service-kit';

export class CreateTicketDto {
  @RequiredText(200, '服务类型: the text of a live item of the 服务类型 dictionary category (咨询, 建议, 投诉, …)') type!: string;
  @RequiredText(200, '概要') summary!: string;
  @RequiredText(64, 'the customer’s id: a normal customer (GET /customers)') customerId!: string;
  @RequiredText(3000, '服务请求') request!: string;
}
