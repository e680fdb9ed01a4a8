/** A fresh key for one send (32 hex digits). Built from getRandomValues because randomUUID exists
 * only on secure pages, and the app may be opened over plain http inside a private network. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
