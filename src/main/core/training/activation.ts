/**
 * Whether a fine-tuned version becomes active, and the sentence that says why: one rule for every
 * tier (adapter, head, LoRA), so the three jobs cannot drift apart. `if-better` activates when the
 * candidate's held-out mIoU is not below the parent's.
 */
import type { ActivatePolicy } from '@shared/contract/methods/training'

export function activationDecision(policy: ActivatePolicy, parentMIoU: number | null, candidateMIoU: number | null): { activate: boolean; decision: string } {
  const evaluated = parentMIoU !== null && candidateMIoU !== null
  const better = evaluated && candidateMIoU >= parentMIoU
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(4))
  const decision =
    policy === 'always' ? 'Activated as asked (activate: always).'
    : policy === 'never' ? 'Kept inactive as asked (activate: never).'
    : !evaluated ? 'Not activated: no held-out images to compare on (accept more images, or activate it yourself).'
    : better ? `Activated: held-out mIoU ${f(candidateMIoU)} ≥ parent ${f(parentMIoU)}.`
    : `Not activated: held-out mIoU ${f(candidateMIoU)} < parent ${f(parentMIoU)} (you can still activate it).`
  return { activate: policy === 'always' || (policy === 'if-better' && better), decision }
}
