/**
 * Time left in a fine-tuning job (issue #21 item 4). The job's progress counts images and steps
 * alike, but at 60 s per image (a large model recomputing evicted features) one image costs as much
 * as thousands of steps, so the runner's units-per-second ETA would be off by orders of magnitude.
 * This measures the two separately: seconds per image (load and evaluation) and per step.
 */
export class TrainClock {
  private imagesDone = 0
  private imageMs = 0
  private stepsDone = 0
  private stepMs = 0
  private last: number
  private stepStart = 0

  constructor(private readonly images: number, private readonly steps: number, private readonly now: () => number = Date.now) {
    this.last = now()
  }

  /** An image phase (load, evaluate) starts: time since is image time. */
  beginImages(): void {
    this.last = this.now()
  }

  /** One more image's outputs were read. */
  image(): void {
    const t = this.now()
    this.imageMs += t - this.last
    this.last = t
    this.imagesDone++
  }

  beginSteps(): void {
    this.stepStart = this.now()
  }

  /** `done` steps of the run are finished. */
  stepsAt(done: number): void {
    this.stepsDone = done
    this.stepMs = this.now() - this.stepStart
  }

  /** Seconds left; null until an image was read. Steps count as free until one was timed. */
  eta(): number | null {
    if (!this.imagesDone) return null
    const perImage = this.imageMs / this.imagesDone
    const perStep = this.stepsDone ? this.stepMs / this.stepsDone : 0
    return (Math.max(0, this.images - this.imagesDone) * perImage + Math.max(0, this.steps - this.stepsDone) * perStep) / 1000
  }
}
