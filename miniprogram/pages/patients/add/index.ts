/** 添加就诊人: bind a patient card, with inline validation using the server's own rules. */
import type { Relation } from '../../../../typings/patient';
import { errorMessage, isCloudError } from '../../../services/cloud';
import { normalizeName } from '../../../common/person';
import { bindCard } from '../../../services/patient';
import type { BindCardInput } from '../../../services/patient';
import { shanghaiToday } from '../../../utils/format';
import { notice, SUCCESS_BACK_DELAY_MS, toast } from '../../../utils/nav';
import {
  emptyForm,
  hasErrors,
  isFormField,
  noErrors,
  RELATION_OPTIONS,
  validateField,
  validateForm,
} from '../../../utils/patient-form';
import type { FormErrors, FormField, PatientForm } from '../../../utils/patient-form';

interface AddData {
  form: PatientForm;
  errors: FormErrors;
  relations: readonly Relation[];
  submitting: boolean;
}

type FieldEvent = WechatMiniprogram.CustomEvent<
  WechatMiniprogram.IAnyObject,
  WechatMiniprogram.IAnyObject,
  { field?: string }
>;

/** The bind payload from a valid form: trimmed, normalised, optional field omitted when empty. */
export function toBindInput(form: PatientForm): BindCardInput {
  const input: BindCardInput = {
    name: normalizeName(form.name),
    idNumber: form.idNumber.trim().toUpperCase(),
    phone: form.phone.trim(),
    relation: form.relation as Relation,
  };
  const ssn = form.socialSecurityNo.trim();
  if (ssn) input.socialSecurityNo = ssn;
  return input;
}

function fieldOf(event: FieldEvent): FormField | null {
  const field = event.currentTarget.dataset.field;
  return isFormField(field) ? field : null;
}

/** Vant field emits the value itself; the blur event carries `{ value }`. */
function valueOf(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  if (detail && typeof detail === 'object' && typeof (detail as { value?: unknown }).value === 'string') {
    return (detail as { value: string }).value;
  }
  return '';
}

const initialData: AddData = {
  form: emptyForm(),
  errors: noErrors(),
  relations: RELATION_OPTIONS,
  submitting: false,
};

Component({
  data: initialData,

  methods: {
    /** Typing: keep the value; re-check live only a field that already shows an error. */
    onFieldChange(event: FieldEvent) {
      const field = fieldOf(event);
      if (!field) return;
      const value = valueOf(event.detail);
      if (value === this.data.form[field]) return;
      const form: PatientForm = { ...this.data.form, [field]: value };
      const update: WechatMiniprogram.IAnyObject = { [`form.${field}`]: value };
      if (this.data.errors[field]) {
        const error = validateField(field, form, shanghaiToday());
        if (error !== this.data.errors[field]) update[`errors.${field}`] = error;
      }
      this.setData(update);
    },

    /** Leaving a field: check it (empty optional fields stay quiet). */
    onFieldBlur(event: FieldEvent) {
      const field = fieldOf(event);
      if (!field) return;
      const error = this.data.form[field] ? validateField(field, this.data.form, shanghaiToday()) : '';
      if (error !== this.data.errors[field]) this.setData({ [`errors.${field}`]: error });
    },

    onRelationChange(event: WechatMiniprogram.CustomEvent<WechatMiniprogram.IAnyObject>) {
      const value = valueOf(event.detail);
      if (value === this.data.form.relation) return;
      this.setData({ 'form.relation': value, 'errors.relation': '' });
    },

    async onSubmit(): Promise<void> {
      if (this.data.submitting) return;
      const errors = validateForm(this.data.form, shanghaiToday());
      if (hasErrors(errors)) {
        this.setData({ errors });
        toast('请按提示修改后再提交');
        return;
      }
      this.setData({ submitting: true, errors });
      try {
        const card = await bindCard(toBindInput(this.data.form));
        wx.showToast(
          card.createdInHis
            ? { title: '绑定成功，已为您在医院建档', icon: 'none', duration: SUCCESS_BACK_DELAY_MS }
            : { title: '绑定成功', icon: 'success', duration: SUCCESS_BACK_DELAY_MS },
        );
        // Stay "submitting" (button disabled) while the page leaves.
        setTimeout(() => wx.navigateBack({ delta: 1 }), SUCCESS_BACK_DELAY_MS);
      } catch (err) {
        if (isCloudError(err) && err.code === 'INVALID_ARGUMENT' && isFormField(err.field)) {
          this.setData({ submitting: false, [`errors.${err.field}`]: err.message });
          return;
        }
        this.setData({ submitting: false });
        notice('绑定失败', errorMessage(err));
      }
    },
  },
});
