/**
 * Dataset settings of NAS-Bench-201 / NATS-Bench. `cifar10` is trained on all 50k training images and
 * tested on the test set (NATS); `cifar10-valid` is trained on 25k and validated on the other 25k
 * (NAS-Bench-201 v1_1). For CIFAR-100 and ImageNet16-120, `valid`/`test` are the x-valid/x-test halves
 * of the test set.
 */
export const SETTINGS = ['cifar10', 'cifar10-valid', 'cifar100', 'ImageNet16-120'] as const;
export type Setting = (typeof SETTINGS)[number];

/**
 * `test` is the value the paper reads (NATS-Bench `hp=200`, mean over seeds): ori-test for `cifar10`,
 * x-test for CIFAR-100 and ImageNet16-120, and the v1_1 test for `cifar10-valid`. `test-v1_1` is the
 * NAS-Bench-201 v1_1 release's x-test, which averages a different seed set.
 */
export const SPLITS_OF: Readonly<Record<Setting, readonly AccuracySplit[]>> = {
  cifar10: ['test'],
  'cifar10-valid': ['train', 'valid', 'test'],
  cifar100: ['train', 'valid', 'test', 'test-v1_1'],
  'ImageNet16-120': ['train', 'valid', 'test', 'test-v1_1'],
};
export type AccuracySplit = 'train' | 'valid' | 'test' | 'test-v1_1';

/** Image datasets with HW-NAS-Bench costs. */
export const HW_DATASETS = ['cifar10', 'cifar100', 'ImageNet16-120'] as const;
export type HwDataset = (typeof HW_DATASETS)[number];
export const HW_METRICS = [
  'edgegpu_latency',
  'edgegpu_energy',
  'raspi4_latency',
  'edgetpu_latency',
  'pixel3_latency',
  'eyeriss_latency',
  'eyeriss_energy',
  'eyeriss_arithmetic_intensity',
  'fpga_latency',
  'fpga_energy',
] as const;
export type HwMetric = (typeof HW_METRICS)[number];

export function isSetting(value: string): value is Setting {
  return (SETTINGS as readonly string[]).includes(value);
}
