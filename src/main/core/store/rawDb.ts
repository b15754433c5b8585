/**
 * The raw connection of an open project, for tests, benches and diagnostics that must look under
 * the repositories (row counts, pragmas, simulated failures). Code in src/ never imports this
 * (dependency-cruiser rule `store-internals-stay-in-store`): it goes through the repositories.
 */
import type { Db } from './db'
import type { ProjectStore } from './projectStore'

export function rawDb(store: ProjectStore): Db {
  return store['db']
}
