import { CorruptDataError, Progress } from '@fsnas/core';
import { decodeImage, imageFormat, type ImageFormat } from './decode';
import { type ImageSet, makeImageSet } from './image-set';
import { type ByteSource, type TarEntry, readTarEntry, withTarFile } from './tar';

/**
 * Image-folder datasets (`<split>/<class>/<image>`, torchvision's ImageFolder layout) read straight
 * from a tar archive. Class ids are the sorted class-folder names; images are ordered by sorted path,
 * so the same archive always gives the same arrays whatever order its members were written in.
 */

export interface ImageFolderOptions {
  /** Split folders to read, e.g. ['train', 'test']. */
  readonly splits: readonly string[];
  /**
   * The allowed class names. A class folder outside this list is an error (it would silently shift
   * every later class id). Without it, the classes are the sorted folder names of the first split.
   */
  readonly classes?: readonly string[];
  /** Read only the first k images (by sorted name) of each class of each split: quick looks and tests. */
  readonly maxPerClass?: number;
  /** Progress lines while decoding (default: on, unless FSNAS_QUIET=1). */
  readonly quiet?: boolean;
}

export interface ImageFolderData {
  readonly splits: Readonly<Record<string, ImageSet>>;
  readonly classes: readonly string[];
}

interface Member {
  readonly entry: TarEntry;
  readonly split: string;
  readonly className: string;
  readonly format: ImageFormat;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts the archive's members into splits and classes. An archive may wrap everything in one top
 * folder (`cifar10/train/cat/1.jpg`); loose files beside the split folders (a README) are ignored.
 */
function planMembers(entries: readonly TarEntry[], file: string, options: ImageFolderOptions): { members: Member[]; classes: string[] } {
  const files = entries.filter((e) => e.type === 'file');
  if (files.length === 0) throw new CorruptDataError(file, '', 'empty archive: it holds no files');
  const depths = new Set(files.map((e) => e.name.split('/').length).filter((d) => d >= 3));
  let root: string | undefined;
  if (depths.has(4) && !depths.has(3)) {
    const roots = [...new Set(files.filter((e) => e.name.split('/').length === 4).map((e) => e.name.split('/')[0] as string))];
    if (roots.length > 1) {
      throw new CorruptDataError(file, '', `expected <split>/<class>/<image>, optionally inside one top folder; found several: ${roots.slice(0, 5).join(', ')}`);
    }
    root = roots[0];
  }
  const wanted = new Set(options.splits);
  const members: Member[] = [];
  for (const entry of files) {
    let parts = entry.name.split('/');
    if (root !== undefined) {
      if (parts[0] !== root) continue;
      parts = parts.slice(1);
    }
    if (parts.length < 3) continue;
    const [split, className, ...rest] = parts as [string, string, ...string[]];
    if (!wanted.has(split)) continue;
    const base = rest[rest.length - 1] ?? '';
    if (base.startsWith('.')) continue; // editor and OS droppings (.DS_Store, ._x.jpg)
    if (rest.length !== 1) {
      throw new CorruptDataError(file, `member ${entry.name}`, `expected <split>/<class>/<image>, found a nested folder`);
    }
    const format = imageFormat(base);
    if (format === null) {
      throw new CorruptDataError(file, `member ${entry.name}`, 'not an image this reader decodes (.jpg, .jpeg, .png)');
    }
    members.push({ entry, split, className, format });
  }
  if (members.length === 0) {
    throw new CorruptDataError(file, '', `empty archive: no images under ${options.splits.map((s) => `${s}/<class>/`).join(' or ')}`);
  }
  for (const split of options.splits) {
    if (!members.some((m) => m.split === split)) {
      throw new CorruptDataError(file, '', `no images in split folder '${split}/'`);
    }
  }
  const firstSplit = options.splits[0] as string;
  const classes = options.classes
    ? [...options.classes].sort(compareStrings)
    : [...new Set(members.filter((m) => m.split === firstSplit).map((m) => m.className))].sort(compareStrings);
  const known = new Set(classes);
  for (const m of members) {
    if (!known.has(m.className)) {
      throw new CorruptDataError(
        file,
        `member ${m.entry.name}`,
        `unknown class folder '${m.className}'; expected one of: ${classes.join(', ')}`,
      );
    }
  }
  members.sort((a, b) => compareStrings(a.entry.name, b.entry.name));
  return { members, classes };
}

function limitPerClass(members: readonly Member[], k: number | undefined): Member[] {
  if (k === undefined) return [...members];
  const seen = new Map<string, number>();
  return members.filter((m) => {
    const key = `${m.split}/${m.className}`;
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count < k;
  });
}

function decodeSplit(source: ByteSource, file: string, members: readonly Member[], classes: readonly string[], progress: Progress): ImageSet {
  const classId = new Map(classes.map((name, i) => [name, i]));
  let shape: { height: number; width: number } | null = null;
  let images = new Uint8Array(0);
  const labels = new Uint8Array(members.length);
  members.forEach((m, i) => {
    const where = `member ${m.entry.name}`;
    const img = decodeImage(readTarEntry(source, m.entry), m.format, file, where);
    if (shape === null) {
      shape = { height: img.height, width: img.width };
      images = new Uint8Array(members.length * img.height * img.width * 3);
    } else if (img.height !== shape.height || img.width !== shape.width) {
      throw new CorruptDataError(file, where, `image is ${img.width}x${img.height}, the others are ${shape.width}x${shape.height}`);
    }
    images.set(img.data, i * img.data.length);
    labels[i] = classId.get(m.className) as number;
    progress.tick(1);
  });
  const { height, width } = shape ?? { height: 0, width: 0 };
  return makeImageSet({ images, labels, height, width, channels: 3 });
}

/** Reads and decodes an image-folder tar archive into one ImageSet per split. */
export function readImageFolderTar(tarPath: string, options: ImageFolderOptions): ImageFolderData {
  if (options.classes && options.classes.length > 256) {
    throw new CorruptDataError(tarPath, '', `${options.classes.length} classes do not fit uint8 labels`);
  }
  return withTarFile(tarPath, (source, entries) => {
    const { members: all, classes } = planMembers(entries, tarPath, options);
    if (classes.length > 256) throw new CorruptDataError(tarPath, '', `${classes.length} class folders do not fit uint8 labels`);
    const members = limitPerClass(all, options.maxPerClass);
    const progress = new Progress({
      label: `decode ${tarPath.split('/').pop() ?? tarPath}`,
      total: members.length,
      unit: 'img',
      ...(options.quiet ? { quiet: true } : {}),
    });
    const splits: Record<string, ImageSet> = {};
    for (const split of options.splits) {
      splits[split] = decodeSplit(source, tarPath, members.filter((m) => m.split === split), classes, progress);
    }
    return { splits, classes };
  });
}
