/** Constants for label-map transfer; the (de)compression itself lives on each side. */
export const LABEL_ENCODING = 'deflate-base64' as const
/** Label value meaning "unlabeled" in every supported dataset (MFNet, PST900, FMB raw). */
export const UNLABELED = 0
