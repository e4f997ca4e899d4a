/**
 * Whether a host name mixes writing systems the way lookalike domains do (`pаypal.com` with a Cyrillic а).
 * The rule is Unicode's "highly restrictive" level (UTS #39, 5.2): the letters of the host, ignoring digits,
 * punctuation and combining marks (scripts Common and Inherited), are all of one script, or all within
 * Latin + Han + Hiragana + Katakana, Latin + Han + Bopomofo, or Latin + Han + Hangul (how Japanese,
 * Chinese and Korean names are written). It is applied to the whole host, so an all-Cyrillic label under
 * a Latin top-level domain (`аррӏе.com`) counts as mixed too.
 */

// Every Unicode script (the likely ones first). Names this JavaScript engine does not know are skipped;
// a letter of no script found here makes the host count as mixed.
const SCRIPT_NAMES = (
  'Latin Cyrillic Greek Han Hiragana Katakana Hangul Bopomofo Arabic Hebrew Thai Devanagari Bengali Tamil ' +
  'Telugu Armenian Georgian ' +
  'Adlam Ahom Anatolian_Hieroglyphs Avestan Balinese Bamum Bassa_Vah Batak Bhaiksuki Brahmi Braille ' +
  'Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Chorasmian Coptic ' +
  'Cuneiform Cypriot Cypro_Minoan Deseret Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic ' +
  'Ethiopic Glagolitic Gothic Grantha Gujarati Gunjala_Gondi Gurmukhi Hanifi_Rohingya Hanunoo Hatran ' +
  'Imperial_Aramaic Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Kayah_Li ' +
  'Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Lepcha Limbu Linear_A Linear_B Lisu Lycian ' +
  'Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek ' +
  'Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean ' +
  'Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic ' +
  'Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya ' +
  'Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic ' +
  'Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese ' +
  'Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tangsa Tangut Thaana Tibetan ' +
  'Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square Beria_Erfe ' +
  'Garay Gurung_Khema Kawi Kirat_Rai Nag_Mundari Ol_Onal Sidetic Sunuwar Tai_Yo Todhri Tolong_Siki ' +
  'Tulu_Tigalari'
)
  .trim()
  .split(/\s+/);

const ALLOWED_TOGETHER = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const neutral = /[\p{Script=Common}\p{Script=Inherited}]/u;
let scripts: { name: string; re: RegExp }[] | null = null;

function knownScripts() {
  scripts ??= SCRIPT_NAMES.flatMap((name) => {
    try {
      return [{ name, re: new RegExp(`\\p{Script=${name}}`, 'u') }];
    } catch {
      return [];
    }
  });
  return scripts;
}

/** True when `host` (Unicode, not punycode) mixes scripts beyond what UTS #39 "highly restrictive" allows. */
export function mixesScripts(host: string): boolean {
  const found: { name: string; re: RegExp }[] = [];
  for (const ch of host) {
    if (neutral.test(ch) || found.some((s) => s.re.test(ch))) continue;
    const script = knownScripts().find((s) => s.re.test(ch));
    if (!script) return true;
    found.push(script);
    const names = found.map((s) => s.name);
    if (names.length > 1 && !ALLOWED_TOGETHER.some((set) => names.every((n) => set.includes(n)))) return true;
  }
  return false;
}
