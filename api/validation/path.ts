// Field paths in upstream notation (k8s.io/apimachinery/pkg/util/validation/field.Path):
// `spec.containers[0].image`, `metadata.labels`, `spec.resources.limits[cpu]`.

export class FieldPath {
  private constructor(private readonly text: string) {}

  /** A root path: `new FieldPath('spec')` style via FieldPath.root('spec', 'template'). */
  static root(...names: string[]): FieldPath {
    return new FieldPath(names.join('.'));
  }

  child(...names: string[]): FieldPath {
    const tail = names.join('.');
    return new FieldPath(this.text === '' ? tail : `${this.text}.${tail}`);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

export const root = FieldPath.root;
