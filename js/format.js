// Numbers as people read them: 4 significant digits, trailing zeros trimmed,
// exponent only when the plain form would be long. ASCII "-" so tests can parse it.

const DIGITS = 4;

/** Compact text for a number; "—" for anything that is not a finite number. */
export function formatNumber(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return "—";
  if (x === 0) return "0"; // also turns -0 into "0"
  const abs = Math.abs(x);
  // toPrecision already switches to an exponent at >= 1e4; below 1e-3 the
  // plain form (0.0001500) is longer than the exponent form, so switch there too.
  const text = abs < 1e-3 ? x.toExponential(DIGITS - 1) : x.toPrecision(DIGITS);
  return trimZeros(text);
}

/** Full precision, for data-value attributes (shortest text that round-trips). */
export function fullNumber(x) {
  return typeof x === "number" && Number.isFinite(x) ? String(x) : "";
}

// "2.000" -> "2", "1.500e-5" -> "1.5e-5", "1.230e+6" -> "1.23e+6"
function trimZeros(text) {
  const [mantissa, exponent] = text.split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/** "1 node", "2 nodes", "0 nodes"; `many` for irregular plurals ("leaves"). */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
