import { z } from 'zod'
import { imageStatuses } from '../types'

/** Ids are positive SQLite rowids. */
export const id = z.number().int().positive()
/** A filesystem path as the user typed or picked it; main resolves and checks it. */
export const fsPath = z.string().min(1).max(4096)
export const status = z.enum(imageStatuses)
export const splitName = z.string().min(1).max(64)
export const noArgs = z.object({}).strict()
