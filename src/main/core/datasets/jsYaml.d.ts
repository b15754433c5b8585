// js-yaml ships no types; Twinlight uses only load() (class files in YAML).
declare module 'js-yaml' {
  export function load(text: string): unknown
}
