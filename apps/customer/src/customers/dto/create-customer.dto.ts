import { Amount, CustomerText, ManagerId, Phone, Rating, Zip } from './customer-fields';

/** A customer entered by hand: every field marked * in §2.1 is required. */
export class CreateCustomerDto {
  @CustomerText(100, '客户名称 *', true, false) name!: string;
  @CustomerText(50, '地区 * (dictionary 地区)', true, false) region!: string;
  @ManagerId('客户经理 *: an active account manager; a manager creating a customer is its manager') managerId?: string;
  @CustomerText(50, '客户等级 * (dictionary 企业客户等级)', true, false) level!: string;
  @Rating('客户满意度 * 1–5', false) satisfaction!: number;
  @Rating('客户信用度 * 1–5', false) credit!: number;
  @CustomerText(200, '地址 *', true, false) address!: string;
  @Zip(true, false) zip!: string;
  @Phone('phone', '电话 *', true, false) phone!: string;
  @Phone('fax', '传真', false, false) fax?: string | null;
  @CustomerText(200, '网址', false, false) website?: string | null;
  @CustomerText(50, '营业执照注册号', false, false) licenceNo?: string | null;
  @CustomerText(50, '法人 *', true, false) legalPerson!: string;
  @Amount('注册资金, 万元') registeredCapital?: number | null;
  @Amount('年营业额, 万元') annualTurnover?: number | null;
  @CustomerText(100, '开户银行 *', true, false) bank!: string;
  @CustomerText(50, '银行帐号 *', true, false) bankAccount!: string;
  @CustomerText(50, '地税登记号 *', true, false) localTaxNo!: string;
  @CustomerText(50, '国税登记号 *', true, false) nationalTaxNo!: string;
}
