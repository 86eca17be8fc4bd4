import type * as tf from '@tensorflow/tfjs-core';

export interface OpAttr {
  name: string;
  type: number;
  value: number | boolean | string;
}

/** The parts of tfjs-node's backend that our TensorFlow kernels call (its type is not imported). */
export interface NodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_BOOL: number; TF_ATTR_STRING: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.TensorInfo;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.TensorInfo[];
}
