/**
 * RFC 9112 §3.2: a request with more than one Host field line gets 400. Node's parser keeps the
 * first Host and drops the others without a word, while a proxy or backend behind may pick another:
 * the gateway would route by one host and the backend serve another. Only the raw header list
 * shows the duplicates.
 */
export function hasSeveralHosts(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // a length test first: most names are not four characters, and lower-casing costs more
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}
