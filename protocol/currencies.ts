/**
 * ISO 4217 currencies in use (list one of the standard, as maintained by SIX on behalf of ISO), each with
 * its minor unit: the number of decimal places between the major unit and the amounts Comptoir stores
 * (a price of 12.50 EUR is 1250; 1200 JPY is 1200; 1.250 KWD is 1250). Codes whose minor unit the
 * standard gives as "N.A." (precious metals, bond units, SDR, test and "no currency" codes) are not
 * money an order can be priced in and are left out. Withdrawn codes (ANG since 2025, CUC, HRK, SLL,
 * ZWL…) are left out too: a new order is not priced in them.
 */
// biome-ignore format: the ISO list, by letter
export const currencyExponents: Readonly<Record<string, number>> = Object.freeze({
  AED: 2, AFN: 2, ALL: 2, AMD: 2, AOA: 2, ARS: 2, AUD: 2, AWG: 2, AZN: 2,
  BAM: 2, BBD: 2, BDT: 2, BGN: 2, BHD: 3, BIF: 0, BMD: 2, BND: 2, BOB: 2, BOV: 2, BRL: 2, BSD: 2, BTN: 2,
  BWP: 2, BYN: 2, BZD: 2,
  CAD: 2, CDF: 2, CHE: 2, CHF: 2, CHW: 2, CLF: 4, CLP: 0, CNY: 2, COP: 2, COU: 2, CRC: 2, CUP: 2, CVE: 2,
  CZK: 2,
  DJF: 0, DKK: 2, DOP: 2, DZD: 2,
  EGP: 2, ERN: 2, ETB: 2, EUR: 2,
  FJD: 2, FKP: 2,
  GBP: 2, GEL: 2, GHS: 2, GIP: 2, GMD: 2, GNF: 0, GTQ: 2, GYD: 2,
  HKD: 2, HNL: 2, HTG: 2, HUF: 2,
  IDR: 2, ILS: 2, INR: 2, IQD: 3, IRR: 2, ISK: 0,
  JMD: 2, JOD: 3, JPY: 0,
  KES: 2, KGS: 2, KHR: 2, KMF: 0, KPW: 2, KRW: 0, KWD: 3, KYD: 2, KZT: 2,
  LAK: 2, LBP: 2, LKR: 2, LRD: 2, LSL: 2, LYD: 3,
  MAD: 2, MDL: 2, MGA: 2, MKD: 2, MMK: 2, MNT: 2, MOP: 2, MRU: 2, MUR: 2, MVR: 2, MWK: 2, MXN: 2, MXV: 2,
  MYR: 2, MZN: 2,
  NAD: 2, NGN: 2, NIO: 2, NOK: 2, NPR: 2, NZD: 2,
  OMR: 3,
  PAB: 2, PEN: 2, PGK: 2, PHP: 2, PKR: 2, PLN: 2, PYG: 0,
  QAR: 2,
  RON: 2, RSD: 2, RUB: 2, RWF: 0,
  SAR: 2, SBD: 2, SCR: 2, SDG: 2, SEK: 2, SGD: 2, SHP: 2, SLE: 2, SOS: 2, SRD: 2, SSP: 2, STN: 2, SVC: 2,
  SYP: 2, SZL: 2,
  THB: 2, TJS: 2, TMT: 2, TND: 3, TOP: 2, TRY: 2, TTD: 2, TWD: 2, TZS: 2,
  UAH: 2, UGX: 0, USD: 2, USN: 2, UYI: 0, UYU: 2, UYW: 4, UZS: 2,
  VED: 2, VES: 2, VND: 0, VUV: 0,
  WST: 2,
  XAF: 0, XCD: 2, XCG: 2, XOF: 0, XPF: 0,
  YER: 2,
  ZAR: 2, ZMW: 2, ZWG: 2,
});

/** Whether `code` is a currency an order may be priced in. */
export const isCurrency = (code: string): boolean => Object.hasOwn(currencyExponents, code);

/** The minor unit of a known currency (isCurrency first). */
export const exponentOf = (code: string): number => currencyExponents[code] ?? 2;

/**
 * An amount in major units (as Messenger's receipt template carries it: 29.95) in the currency's minor
 * units (2995), or null when it has more decimals than the currency has (29.955 USD, 10.5 JPY).
 */
export function toMinorUnits(amount: number, currency: string): number | null {
  const scaled = amount * 10 ** exponentOf(currency);
  const rounded = Math.round(scaled);
  // Binary fractions: 0.29 * 100 is 28.999999999999996; anything closer than this is the decimal meant.
  return Math.abs(scaled - rounded) < 1e-6 ? rounded : null;
}

/** Minor units back to major units (2995 USD → 29.95), as a receipt template carries them. */
export const toMajorUnits = (minor: number, currency: string): number =>
  Number((minor / 10 ** exponentOf(currency)).toFixed(exponentOf(currency)));
