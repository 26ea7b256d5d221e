/**
 * Values derived from an id (map keys built by concatenation, mostly), built once per id. A new
 * string used as a map key is hashed on every lookup; one kept here is hashed once. Bounded: when
 * full it starts over, which costs only rebuilding.
 */
export class PerIdMemo<T> {
  private readonly values = new Map<string, T>();

  constructor(
    private readonly build: (id: string) => T,
    private readonly max = 10_000,
  ) {}

  get(id: string): T {
    let v = this.values.get(id);
    if (v === undefined) {
      if (this.values.size >= this.max) this.values.clear();
      v = this.build(id);
      this.values.set(id, v);
    }
    return v;
  }
}
