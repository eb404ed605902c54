/**
 * The media type of a local file from its name's extension, for the descriptor (docs/protocol.md §20.5)
 * and the send policy (./sendPolicy.ts). Deliberately by name, never by sniffing the content: the sender's
 * policy and the receiver's preview both follow the same, visible rule. Unknown: application/octet-stream.
 */
import { DEFAULT_MEDIA_TYPE } from './mediaType';

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  gz: 'application/gzip',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  exe: 'application/x-msdownload',
  dll: 'application/x-msdownload',
  msi: 'application/x-msi',
  bat: 'application/x-bat',
  cmd: 'application/x-bat',
  ps1: 'application/x-powershell',
  sh: 'application/x-sh',
  js: 'text/javascript',
  jar: 'application/java-archive',
  dmg: 'application/x-apple-diskimage',
  apk: 'application/vnd.android.package-archive',
};

/** The media type for a file name (case-insensitive extension); application/octet-stream when unknown. */
export function mediaTypeOfName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0 || dot === fileName.length - 1) return DEFAULT_MEDIA_TYPE;
  return BY_EXTENSION[fileName.slice(dot + 1).toLowerCase()] ?? DEFAULT_MEDIA_TYPE;
}
