// A validator for OCSF events built from the schema's own source files (../shared/reference/formats/
// ocsf-1.8.0): a class and its `extends` parents, the profiles they `$include`, the objects its
// attributes name and the dictionary that types every attribute. It checks what a consumer relies on:
// required attributes present (profile ones only when metadata.profiles applies the profile), no
// attribute outside the class or its objects (except under `unmapped`), dictionary types, enum ids,
// captions that match their ids, and the class's own uids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;

interface AttrDef {
  type?: string;
  is_array?: boolean;
  requirement?: string;
  profile?: string | null;
  enum?: Record<string, { caption: string }>;
  sibling?: string;
}

interface Shape {
  name: string;
  attributes: Record<string, AttrDef>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Maps merge key by key (so enums add up along `extends`); anything else is replaced; null clears. */
function merge(a: unknown, b: unknown): unknown {
  if (isObj(a) && isObj(b)) {
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return b;
}

export class OcsfSchema {
  readonly version: string;
  private readonly dictionary: Record<string, AttrDef & Json>;
  private readonly types: Record<string, { type?: string; regex?: string }>;
  private readonly categories: Record<string, { uid: number; caption: string }>;
  private readonly objects = new Map<string, Shape>();

  constructor(private readonly dir: string) {
    const read = (...p: string[]) => JSON.parse(readFileSync(join(dir, ...p), 'utf8')) as Json;
    this.version = (read('version.json') as { version: string }).version;
    const dict = read('dictionary.json') as { attributes: Json; types: { attributes: Json } };
    this.dictionary = dict.attributes as OcsfSchema['dictionary'];
    this.types = dict.types.attributes as OcsfSchema['types'];
    this.categories = (read('categories.json') as { attributes: OcsfSchema['categories'] }).attributes;
  }

  private readJson(...p: string[]): Json {
    return JSON.parse(readFileSync(join(this.dir, ...p), 'utf8')) as Json;
  }

  /** A definition's own attributes: its profiles' (tagged with the profile) under its own. */
  private own(def: Json): Record<string, AttrDef> {
    const attrs = { ...(def.attributes as Json) };
    const includes = (attrs.$include as string[] | undefined) ?? [];
    delete attrs.$include;
    let out: Record<string, AttrDef> = {};
    for (const inc of includes) {
      const profile = this.readJson(inc) as { name: string; attributes: Record<string, AttrDef> };
      for (const [k, v] of Object.entries(profile.attributes))
        out[k] = merge(out[k], { profile: profile.name, ...v }) as AttrDef;
    }
    for (const [k, v] of Object.entries(attrs)) out = { ...out, [k]: merge(out[k], v) as AttrDef };
    return out;
  }

  private resolve(def: Json, parent: (name: string) => Shape | null): Shape {
    const base = typeof def.extends === 'string' ? parent(def.extends) : null;
    const attributes: Record<string, AttrDef> = { ...(base?.attributes ?? {}) };
    for (const [k, v] of Object.entries(this.own(def))) attributes[k] = merge(attributes[k], v) as AttrDef;
    return {
      name: def.name as string,
      attributes,
      constraints: (def.constraints as Shape['constraints']) ?? base?.constraints,
    };
  }

  object(name: string): Shape {
    const known = this.objects.get(name);
    if (known) return known;
    const shape = this.resolve(this.readJson('objects', `${name}.json`), (p) => this.object(p));
    this.objects.set(name, shape);
    return shape;
  }

  /** The class in events/<path>, with its `extends` chain (parents in the same folder or events/). */
  eventClass(
    path: string,
  ): Shape & { class_uid: number; category_uid: number; caption: string; category_caption: string } {
    const folder = path.split('/').slice(0, -1);
    const load = (name: string): Json => {
      try {
        return this.readJson('events', ...folder, `${name}.json`);
      } catch {
        return this.readJson('events', `${name}.json`);
      }
    };
    const build = (def: Json): Shape => this.resolve(def, (p) => build(load(p)));
    const def = this.readJson('events', path);
    let category = def.category as string | undefined;
    for (let d = def; !category && typeof d.extends === 'string'; d = load(d.extends))
      category = load(d.extends).category as string | undefined;
    const cat = this.categories[category ?? ''];
    if (!cat) throw new Error(`no category for ${path}`);
    return {
      ...build(def),
      category_uid: cat.uid,
      category_caption: cat.caption,
      class_uid: cat.uid * 1000 + (def.uid as number),
      caption: def.caption as string,
    };
  }

  /** The attribute's definition as the event sees it: the dictionary's, overridden by the class's. */
  attribute(shape: Shape, name: string): AttrDef | null {
    const local = shape.attributes[name];
    if (!local) return null;
    return merge(this.dictionary[name] ?? {}, local) as AttrDef;
  }

  /** The primitive a dictionary type stands for (timestamp_t is a long_t), and its regex if any. */
  primitive(type: string): { base: string; regex?: string } {
    let t = type;
    let regex: string | undefined;
    for (let i = 0; i < 5; i++) {
      const def = this.types[t];
      if (!def) break;
      regex = regex ?? def.regex;
      if (!def.type || def.type === t) break;
      t = def.type;
    }
    return { base: t, regex };
  }
}

export interface OcsfProblem {
  path: string;
  problem: string;
}

export function validateEvent(
  schema: OcsfSchema,
  cls: ReturnType<OcsfSchema['eventClass']>,
  event: unknown,
): OcsfProblem[] {
  const problems: OcsfProblem[] = [];
  const bad = (path: string, problem: string) => problems.push({ path, problem });
  if (!isObj(event)) return [{ path: '', problem: 'not an object' }];
  const meta = event.metadata;
  const profiles = new Set(isObj(meta) && Array.isArray(meta.profiles) ? (meta.profiles as string[]) : []);
  const applies = (a: AttrDef) => !a.profile || profiles.has(a.profile);

  const checkValue = (path: string, def: AttrDef, v: unknown) => {
    const type = def.type ?? 'string_t';
    if (type === 'object') {
      if (!isObj(v)) bad(path, 'must be an object');
      return;
    }
    if (!type.endsWith('_t')) {
      if (!isObj(v)) bad(path, `must be a ${type} object`);
      else checkShape(`${path}.`, schema.object(type), v);
      return;
    }
    const { base, regex } = schema.primitive(type);
    const ok =
      base === 'string_t'
        ? typeof v === 'string'
        : base === 'integer_t' || base === 'long_t'
          ? Number.isInteger(v)
          : base === 'float_t'
            ? typeof v === 'number'
            : base === 'boolean_t'
              ? typeof v === 'boolean'
              : base === 'json_t';
    if (!ok) return bad(path, `must be ${type} (${base})`);
    if (regex && typeof v === 'string' && !new RegExp(regex).test(v)) bad(path, `does not match ${type}`);
    if (def.enum && !(String(v) in def.enum)) bad(path, `${String(v)} is not in the enum`);
  };

  const checkShape = (path: string, shape: Shape, obj: Json) => {
    for (const [name, local] of Object.entries(shape.attributes)) {
      const def = schema.attribute(shape, name)!;
      if (local.requirement === 'required' && applies(def) && !(name in obj))
        bad(`${path}${name}`, 'required attribute missing');
    }
    for (const [name, v] of Object.entries(obj)) {
      const def = schema.attribute(shape, name);
      const at = `${path}${name}`;
      if (!def) {
        bad(at, `not an attribute of ${shape.name}`);
        continue;
      }
      if (!applies(def)) {
        bad(at, `belongs to the ${def.profile} profile, which metadata.profiles does not apply`);
        continue;
      }
      if (v === null) {
        bad(at, 'null: leave the attribute out instead');
        continue;
      }
      if (def.is_array) {
        if (!Array.isArray(v)) bad(at, 'must be an array');
        else for (const [i, item] of v.entries()) checkValue(`${at}[${i}]`, def, item);
      } else {
        checkValue(at, def, v);
      }
      // a caption beside an enum id must be the id's caption (Other: the source's own words)
      if (def.enum && def.sibling && def.sibling in obj && String(v) !== '99') {
        const caption = def.enum[String(v)]?.caption;
        if (caption && obj[def.sibling] !== caption)
          bad(`${path}${def.sibling}`, `must be '${caption}' for ${name} ${String(v)}`);
      }
    }
    const c = shape.constraints;
    if (c?.at_least_one && !c.at_least_one.some((k) => k in obj))
      bad(path || '.', `needs at least one of ${c.at_least_one.join(', ')}`);
    if (c?.just_one && c.just_one.filter((k) => k in obj).length !== 1)
      bad(path || '.', `needs exactly one of ${c.just_one.join(', ')}`);
  };

  // the class's own uids are checked below: the files give class_uid and category_uid only the base
  // event's enum (0), the class and category are what fix them
  const top: Shape = {
    ...cls,
    attributes: Object.fromEntries(
      Object.entries(cls.attributes).map(([k, v]) => [
        k,
        k === 'class_uid' || k === 'category_uid' ? { ...v, enum: undefined } : v,
      ]),
    ),
  };
  checkShape('', top, event);
  if (event.class_uid !== cls.class_uid) bad('class_uid', `must be ${cls.class_uid}`);
  if (event.category_uid !== cls.category_uid) bad('category_uid', `must be ${cls.category_uid}`);
  if ('class_name' in event && event.class_name !== cls.caption)
    bad('class_name', `must be '${cls.caption}'`);
  if ('category_name' in event && event.category_name !== cls.category_caption)
    bad('category_name', `must be '${cls.category_caption}'`);
  if (
    Number.isInteger(event.activity_id) &&
    event.type_uid !== cls.class_uid * 100 + (event.activity_id as number)
  )
    bad('type_uid', 'must be class_uid * 100 + activity_id');
  return problems;
}
