import type { Detector } from './detector.ts';

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// Issuer prefixes and lengths (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay). Luhn alone passes one
// random number in ten; with the prefix, an epoch in milliseconds (13 digits, starts with 1) is never a card.
const issuers: readonly [RegExp, readonly number[]][] = [
  [/^4/, [13, 16, 19]],
  [/^(?:5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/, [16]],
  [/^3[47]/, [15]],
  [/^3(?:0[0-5]|[689])/, [14, 15, 16, 17, 18, 19]],
  [/^35(?:2[89]|[3-8]\d)/, [16, 17, 18, 19]],
  [/^6(?:011|5|4[4-9]|2)/, [16, 17, 18, 19]],
];

function isCardNumber(value: string): boolean {
  const digits = value.replace(/[ -]/g, '');
  return issuers.some(([prefix, lengths]) => prefix.test(digits) && lengths.includes(digits.length)) && passesLuhn(digits);
}

/** 13–19 digits, bare or in groups with one separator throughout (4-4-4-4…, Amex 4-6-5); Luhn and issuer checked. */
export const creditCardDetector: Detector = {
  type: 'credit_card',
  pattern: /(?<![\w.,+-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})(?![\w-]|[.,]\d)/g,
  validate: isCardNumber,
};

/** International format only (`+CC …`): 8 to 15 digits (E.164), so `+0200` and `+12.5%` are not phones. */
export const phoneDetector: Detector = {
  type: 'phone',
  pattern: /\+(?<![\w+]\+)[1-9]\d{0,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}(?![\w+]|[.,:]\d)/g,
  validate: (value) => {
    const digits = value.replace(/\D/g, '').length;
    return digits >= 8 && digits <= 15;
  },
};
