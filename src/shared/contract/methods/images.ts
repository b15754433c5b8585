import { z } from 'zod'
import { method } from '../define'
import type { ImageDetail, ImagePage } from '../types'
import { id, splitName, status } from './common'

export const imageFilter = z
  .object({
    status: z.array(status).max(4).optional(),
    split: z.array(splitName).max(32).optional(),
    /** Only images whose current label map (or proposal) contains this class index. */
    classPresent: z.number().int().min(0).max(255).optional(),
    search: z.string().max(200).optional()
  })
  .strict()

/**
 * `uncertainty`: lowest mean confidence of the active version's proposal first, ties by name;
 * images whose proposal came from another version follow, then images without one (docs/effort.md).
 */
export const imageSort = z.enum(['name', 'confidence_asc', 'confidence_desc', 'status', 'uncertainty'])

export const imageMethods = {
  /** One page of the image browser. */
  listImages: method<ImagePage>()(
    z
      .object({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
        filter: imageFilter.default({}),
        sort: imageSort.default('name')
      })
      .strict(),
    'A page of images matching the filter, in the requested order.'
  ),
  getImage: method<ImageDetail>()(z.object({ id }).strict(), 'One image with its paths and registration.'),
  /** The next image (after `after`, in browser order) that a person has not reviewed yet. */
  nextUnreviewed: method<ImageDetail | null>()(
    z.object({ after: id.optional(), filter: imageFilter.default({}), sort: imageSort.default('name') }).strict(),
    'Next image with status new or prefilled, or null when all are reviewed.'
  )
}
