import { Amount, CustomerText, ManagerId, Phone, Rating, Zip } from './customer-fields';

/**
 * An edit: any subset of §2.1's fields (customerNo, status and the rest are the system's — a 400).
 * After it, every field marked * must have a value: a customer made from an opportunity is
 * completed by its first save. `managerId` hands the customer to another manager (supervisor only).
 */
export class UpdateCustomerDto {
  @CustomerText(100, '客户名称 *', true, true) name?: string;
  @CustomerText(50, '地区 *', true, true) region?: string;
  @ManagerId('客户经理 *: another active account manager (supervisor only)') managerId?: string;
  @CustomerText(50, '客户等级 *', true, true) level?: string;
  @Rating('客户满意度 * 1–5', true) satisfaction?: number;
  @Rating('客户信用度 * 1–5', true) credit?: number;
  @CustomerText(200, '地址 *', true, true) address?: string;
  @Zip(true, true) zip?: string;
  @Phone('phone', '电话 *', true, true) phone?: string;
  @Phone('fax', '传真', false, true) fax?: string | null;
  @CustomerText(200, '网址', false, true) website?: string | null;
  @CustomerText(50, '营业执照注册号', false, true) licenceNo?: string | null;
  @CustomerText(50, '法人 *', true, true) legalPerson?: string;
  @Amount('注册资金, 万元') registeredCapital?: number | null;
  @Amount('年营业额, 万元') annualTurnover?: number | null;
  @CustomerText(100, '开户银行 *', true, true) bank?: string;
  @CustomerText(50, '银行帐号 *', true, true) bankAccount?: string;
  @CustomerText(50, '地税登记号 *', true, true) localTaxNo?: string;
  @CustomerText(50, '国税登记号 *', true, true) nationalTaxNo?: string;
}
