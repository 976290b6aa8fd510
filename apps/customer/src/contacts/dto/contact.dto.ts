import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { OmittableNotNull, OptionalText, PageMetaDto, PhoneNumber, RequiredText } from '@crm/service-kit';
import { GENDERS, Gender } from '../contact.entity';
import type { Contact } from '../contact.entity';

export class CreateContactDto {
  @RequiredText(50, '姓名') name!: string;
  @ApiProperty({ enum: GENDERS, description: '性别' }) @IsIn(GENDERS) gender!: Gender;
  @RequiredText(50, '职位') position!: string;
  @RequiredText(50, '办公电话') @PhoneNumber('officePhone') officePhone!: string;
  @OptionalText(50, '手机') @PhoneNumber('mobile') mobile?: string | null;
  @OptionalText(300, '备注') memo?: string | null;
}

/** Any subset; required fields may not become empty. */
export class UpdateContactDto {
  @OmittableNotNull() @RequiredText(50, '姓名') name?: string;
  @ApiPropertyOptional({ enum: GENDERS }) @OmittableNotNull() @IsIn(GENDERS) gender?: Gender;
  @OmittableNotNull() @RequiredText(50, '职位') position?: string;
  @OmittableNotNull() @RequiredText(50, '办公电话') @PhoneNumber('officePhone') officePhone?: string;
  @OptionalText(50, '手机') @PhoneNumber('mobile') mobile?: string | null;
  @OptionalText(300, '备注') memo?: string | null;
}

export class ContactResponse {
  @ApiProperty() id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: GENDERS, nullable: true, type: String, description: 'null only for a contact made from an opportunity' })
  gender!: Gender | null;
  @ApiProperty({ type: String, nullable: true }) position!: string | null;
  @ApiProperty({ type: String, nullable: true }) officePhone!: string | null;
  @ApiProperty({ type: String, nullable: true }) mobile!: string | null;
  @ApiProperty({ type: String, nullable: true }) memo!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;

  static from(contact: Contact): ContactResponse {
    return {
      id: contact.id,
      customerId: contact.customerId,
      name: contact.name,
      gender: contact.gender,
      position: contact.position,
      officePhone: contact.officePhone,
      mobile: contact.mobile,
      memo: contact.memo,
      createdAt: contact.createdAt.toISOString(),
      updatedAt: contact.updatedAt.toISOString(),
      version: contact.version,
    };
  }
}

export class ContactPageResponse extends PageMetaDto {
  @ApiProperty({ type: [ContactResponse] }) items!: ContactResponse[];
}
