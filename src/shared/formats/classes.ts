/**
 * Class tables of the supported datasets. Indices are the dataset's own (never renumbered);
 * colours are RGB. Sources: shared/reference/datasets-and-models.md.
 */

export type Rgb = [number, number, number]

export interface ClassDef {
  /** Pixel value in the label PNG. */
  index: number
  name: string
  color: Rgb
  /** Pixels of this class are excluded from training/metrics (e.g. FMB-shifted 255). */
  ignore: boolean
}

function table(names: readonly string[], colors: readonly Rgb[]): ClassDef[] {
  return names.map((name, index) => ({ index, name, color: [...colors[index]] as Rgb, ignore: false }))
}

/** MFNet: 0 unlabeled + 8 classes (unlabeled is a real class in MFNet's 9-class mIoU). */
export const MFNET_CLASSES: readonly ClassDef[] = table(
  ['unlabeled', 'car', 'person', 'bike', 'curve', 'car_stop', 'guardrail', 'color_cone', 'bump'],
  [[0, 0, 0], [64, 0, 128], [64, 64, 0], [0, 128, 192], [0, 0, 192], [128, 128, 0], [64, 64, 128], [192, 128, 128], [192, 64, 0]]
)

/** PST900 official colour map, given as OpenCV BGR upstream; converted to RGB here. */
const PST900_COLORS_RGB: readonly Rgb[] = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]

/** PST900 official order (pst900_thermal_rgb README). */
export const PST900_CLASSES: readonly ClassDef[] = table(
  ['Background', 'Fire-Extinguisher', 'Backpack', 'Hand-Drill', 'Survivor'],
  PST900_COLORS_RGB
)

/**
 * SARTM's config lists PST900 names in another order for the same indices. Kept so a user can
 * pick it; the importer defaults to the official order because label values follow it.
 */
export const PST900_CLASSES_SARTM_ORDER: readonly ClassDef[] = table(
  ['Background', 'Hand-Drill', 'BackPack', 'Fire-Extinguisher', 'Survivor'],
  PST900_COLORS_RGB
)

const FMB_NAMES_RAW = [
  'background', 'Road', 'Sidewalk', 'Building', 'Lamp', 'Sign', 'Vegetation', 'Sky', 'Person', 'Car', 'Truck', 'Bus',
  'Motorcycle', 'Bicycle', 'Pole'
] as const
const FMB_PALETTE: readonly Rgb[] = [
  [0, 0, 0], [228, 228, 179], [133, 57, 181], [177, 162, 67], [50, 178, 200], [199, 45, 132], [84, 172, 66], [79, 73, 179],
  [166, 99, 76], [253, 121, 66], [91, 165, 137], [152, 97, 155], [140, 153, 105], [158, 215, 222], [90, 113, 135]
]

/** FMB raw convention (as stored in FMB's Label/ and as SARTM trains): 0 background + 14 classes. */
export const FMB_CLASSES_RAW: readonly ClassDef[] = table(FMB_NAMES_RAW, FMB_PALETTE)

/** Value used for "ignore" in shifted label maps (FMB shifted, padding). */
export const IGNORE_INDEX = 255

/**
 * FMB shifted convention (MMSFormer/SHIFNet): raw v → v-1 for v ≥ 1, raw 0 → 255 (ignore).
 * Names follow those loaders; colours follow the SARTM palette of the same raw class.
 */
export const FMB_CLASSES_SHIFTED: readonly ClassDef[] = [
  ...['Road', 'Sidewalk', 'Building', 'Traffic Light', 'Traffic Sign', 'Vegetation', 'Sky', 'Person', 'Car', 'Truck', 'Bus',
    'Motorcycle', 'Bicycle', 'Pole'].map((name, index) => ({ index, name, color: [...FMB_PALETTE[index + 1]] as Rgb, ignore: false })),
  { index: IGNORE_INDEX, name: 'ignore', color: [0, 0, 0], ignore: true }
]

/** raw FMB label value → shifted value. */
export function fmbRawToShifted(v: number): number {
  return v === 0 ? IGNORE_INDEX : v - 1
}

/** shifted FMB value → raw. 255 (ignore) → 0. */
export function fmbShiftedToRaw(v: number): number {
  return v === IGNORE_INDEX ? 0 : v + 1
}

/** 256-entry lookup table: true where a label value is in the class table. */
export function validValueTable(classes: readonly ClassDef[]): Uint8Array {
  const ok = new Uint8Array(256)
  for (const c of classes) if (c.index >= 0 && c.index < 256) ok[c.index] = 1
  return ok
}

/** Palette indexed by label value (unknown values black), for colourised exports. */
export function paletteOf(classes: readonly ClassDef[]): Rgb[] {
  const pal: Rgb[] = Array.from({ length: 256 }, () => [0, 0, 0] as Rgb)
  for (const c of classes) if (c.index >= 0 && c.index < 256) pal[c.index] = [...c.color] as Rgb
  return pal
}

export function cloneClasses(classes: readonly ClassDef[]): ClassDef[] {
  return classes.map((c) => ({ ...c, color: [...c.color] as Rgb }))
}
