import { buildProfile, stacksOf, type Profile, type ProfileFrame } from './model.js';

/**
 * Rewrites every frame's file so a report never shows a worktree's temporary path and base and head
 * frames of the same function get the same key:
 * - inside one of `roots` (the side's checkout folders, absolute): the path relative to it
 *   (`/tmp/perfgate-x/head/app/views.py` → `app/views.py`);
 * - inside a `site-packages` or `dist-packages` folder: the part after it (`flask/app.py`);
 * - inside a Python installation (`…/lib/python3.11/…`): `python3.11/…`;
 * - otherwise unchanged.
 * Frames that differ only in such prefixes are merged. Pure.
 * @param roots absolute folder paths, most specific first is not required (the longest match wins).
 */
export function relativizeFrames(profile: Profile, roots: readonly string[]): Profile {
  const trimmed = roots.map((root) => root.replace(/\/+$/, '')).sort((a, b) => b.length - a.length);
  const rewrite = (frame: ProfileFrame): ProfileFrame =>
    frame.file === undefined ? frame : { ...frame, file: relativeFile(frame.file, trimmed) };
  return buildProfile(
    profile.unit,
    [...stacksOf(profile)].map((stack) => ({ frames: stack.frames.map(rewrite), weight: stack.weight })),
    {
      ...(profile.sampleCount === undefined ? {} : { sampleCount: profile.sampleCount }),
      ...(profile.exporter === undefined ? {} : { exporter: profile.exporter }),
    },
  );
}

function relativeFile(file: string, roots: readonly string[]): string {
  for (const root of roots) {
    if (root !== '' && file.startsWith(`${root}/`)) return file.slice(root.length + 1);
  }
  const packaged = /\/(?:site|dist)-packages\/(.+)$/.exec(file);
  if (packaged?.[1] !== undefined) return packaged[1];
  const python = /\/lib\/(python\d+(?:\.\d+)?)\/(.+)$/.exec(file);
  if (python?.[1] !== undefined && python[2] !== undefined) return `${python[1]}/${python[2]}`;
  return file;
}
