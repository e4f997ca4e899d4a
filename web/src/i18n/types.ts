/** A catalogue entry: a plain string, or plural forms chosen with Intl.PluralRules. */
export interface PluralForms {
  zero?: string;
  one: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}
export type Entry = string | PluralForms;
export type Params = Record<string, string | number>;
