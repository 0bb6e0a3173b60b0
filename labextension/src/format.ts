/**
 * Text formats shared by the picture: ages as kubectl's AGE column prints them, CPU and
 * memory quantities. Pure functions; layout.ts and panels.ts use them.
 */

/** kubectl's HumanDuration (k8s.io/apimachinery/pkg/util/duration), as in the AGE column. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) {
    return '<invalid>';
  }
  if (seconds < 0) {
    return '0s';
  }
  if (seconds < 120) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) {
    return `${hours}h`;
  }
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) {
    return `${Math.floor(hours / 24)}d`;
  }
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Millicores as kubectl prints quantities: `850m`, `2`, `1500m`. */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? `${millicores / 1000}` : `${Math.round(millicores)}m`;
}

/** Bytes in binary units, one decimal where useful: `170Mi`, `7.6Gi`. */
export function formatMemory(bytes: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = v >= 10 || Number.isInteger(v) ? `${Math.round(v)}` : v.toFixed(1);
  return `${text}${units[i]}`;
}
