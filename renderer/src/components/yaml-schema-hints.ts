// CodeMirror glue for the YAML editor's schema hints (the logic is in api/yaml-hints.ts):
// completions as YAML language data, so basicSetup's autocompletion asks for them, and hover
// tooltips with a field's type and description.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { yamlLanguage } from '@codemirror/lang-yaml';
import type { Extension } from '@codemirror/state';
import { hoverTooltip } from '@codemirror/view';
import type { OpenApiCache } from '../api/openapi-schema.ts';
import { completeAt, hoverAt } from '../api/yaml-hints.ts';

function describe(type: string, description: string): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'cm-schema-hint';
  const head = document.createElement('code');
  head.textContent = type;
  const body = document.createElement('div');
  body.textContent = description;
  dom.append(head, body);
  return dom;
}

export function yamlSchemaHints(cache: OpenApiCache): Extension[] {
  const complete = async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const word = ctx.matchBefore(/[\w.\-/]*/);
    // Unasked, only once a word is begun: a new empty line is not a request.
    if (!ctx.explicit && (!word || word.from === word.to)) return null;
    const result = await completeAt(cache, ctx.state.doc.toString(), ctx.pos).catch(() => undefined);
    if (!result || ctx.aborted) return null;
    return {
      from: result.from,
      options: result.options.map((o): Completion => ({
        label: o.label,
        detail: o.required ? `${o.type} (required)` : o.type,
        info: o.description ? () => describe(o.type, o.description) : undefined,
        type: 'property',
        boost: o.required ? 1 : 0,
        apply: o.apply,
      })),
      validFor: /^[\w.\-/]*$/,
    };
  };
  return [
    yamlLanguage.data.of({ autocomplete: complete }),
    hoverTooltip(async (view, pos) => {
      const h = await hoverAt(cache, view.state.doc.toString(), pos).catch(() => undefined);
      if (!h) return null;
      return {
        pos: h.from,
        end: h.to,
        above: true,
        create: () => ({
          dom: describe(`${h.path.join('.').replace(/\.\[\]/g, '[]')}: ${h.type}`, h.description),
        }),
      };
    }),
  ];
}
