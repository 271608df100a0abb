// A parsed form as the object the request schemas judge: a field named `x[]` (the openai SDK's
// encoding of an array) or given more than once becomes an array, any other a string; files are
// looked up by field name.
import type { MultipartFile } from '../../core/endpoint.ts';
import { GatewayError } from '../../core/errors.ts';
import type { MultipartForm } from './parse-multipart.ts';

export function readFormObject(form: MultipartForm): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of form.fields) {
    const present = object[name];
    if (present === undefined) object[name] = name.endsWith('[]') ? [value] : value;
    else object[name] = Array.isArray(present) ? [...present, value] : [present, value];
  }
  return object;
}

/** The files sent under any of `names`; a text field under such a name is a 400 (a file was expected). */
export function filesNamed(form: MultipartForm, names: readonly string[]): MultipartFile[] {
  const field = form.fields.find(([name]) => names.includes(name));
  if (field !== undefined) throw new GatewayError('invalid_request', `'${field[0]}' must be a file upload (a form part with a filename), not a text field.`, { param: field[0] });
  return form.files.filter((file) => names.includes(file.field));
}
