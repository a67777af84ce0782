// IPv4 CIDR checks, on ipaddr.js rather than hand-written arithmetic. Prefixes are compared as
// numbers, never as text: "/00" is not a way around a "/0" rule.
import * as ipaddr from "ipaddr.js";

const shape = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/** Why `text` is not a usable IPv4 network in CIDR notation, or undefined if it is. */
export function cidrProblem(text: string): string | undefined {
  if (!shape.test(text)) return "expected an IPv4 CIDR such as 10.0.0.0/16";
  const [addr, prefixText] = text.split("/");
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) return "each of the four address numbers must be 0-255, without leading zeros";
  const prefix = Number(prefixText);
  if (prefixText.length > 1 && prefixText.startsWith("0")) return `the prefix /${prefixText} has a leading zero; write /${prefix}`;
  if (prefix > 32) return `prefix /${prefix} is longer than /32`;
  const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
  if (network !== addr) return `host bits are set; the network address is ${network}/${prefix}, use that`;
  return undefined;
}

/** The prefix length of a valid CIDR, as a number (parsed by ipaddr.js). */
export function prefixOf(cidr: string): number {
  return ipaddr.IPv4.parseCIDR(cidr)[1];
}

/** Whether two valid CIDRs share any address (one contains the other's network address). */
export function cidrsOverlap(a: string, b: string): boolean {
  const [na, pa] = ipaddr.IPv4.parseCIDR(a);
  const [nb, pb] = ipaddr.IPv4.parseCIDR(b);
  return pa <= pb ? nb.match(na, pa) : na.match(nb, pb);
}
