/**
 * RFC 3339 timestamps to epoch milliseconds without allocating a Date, so the
 * NDJSON reader can convert a million timestamps a second. The offset
 * (`Z`, `+07:00`, `-03:00`) is applied, so runners in different time zones
 * line up on one axis.
 */

const DIGIT_0 = 48;

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` and returns epoch
 * milliseconds with the fraction kept below the millisecond, or NaN when the
 * text has another shape.
 */
export function parseRfc3339(text: string): number {
  if (text.length < 20) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const separator = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  if (separator !== 84 && separator !== 116 && separator !== 32) return Number.NaN;

  let pos = 19;
  let fraction = 0;
  if (text.charCodeAt(pos) === 46) {
    pos++;
    let scale = 1;
    while (pos < text.length) {
      const digit = text.charCodeAt(pos) - DIGIT_0;
      if (digit < 0 || digit > 9) break;
      if (scale < 1e9) {
        fraction = fraction * 10 + digit;
        scale *= 10;
      }
      pos++;
    }
    fraction = (fraction / scale) * 1000;
  }

  let offsetMinutes = 0;
  const zone = text.charCodeAt(pos);
  if (zone === 90 || zone === 122) {
    if (pos + 1 !== text.length) return Number.NaN;
  } else if (zone === 43 || zone === 45) {
    if (pos + 6 !== text.length || text.charCodeAt(pos + 3) !== 58) return Number.NaN;
    offsetMinutes = digits(text, pos + 1, 2) * 60 + digits(text, pos + 4, 2);
    if (zone === 45) offsetMinutes = -offsetMinutes;
  } else {
    return Number.NaN;
  }

  const days = daysFromCivil(year, month, day);
  const wholeSeconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  return wholeSeconds * 1000 + fraction;
}

/**
 * Parses a k6 CSV timestamp: unix seconds by default, or milli-, micro- or
 * nanoseconds distinguished by magnitude, or RFC 3339 text. Returns epoch ms.
 */
export function parseCsvTimestamp(text: string): number {
  if (text.includes('T')) return parseRfc3339(text);
  const value = Number(text);
  if (!Number.isFinite(value) || text.trim() === '') return Number.NaN;
  if (value > 1e17) return value / 1e6;
  if (value > 1e14) return value / 1e3;
  if (value > 1e11) return value;
  return value * 1000;
}
