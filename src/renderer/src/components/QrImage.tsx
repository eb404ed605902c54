/**
 * Presentational: a QR code of `payload` as an image (the `qrcode` package renders a data: URL in the
 * browser; the CSP allows data: images). Shows nothing until it is drawn. The package is loaded the first
 * time a code is shown, so it is not in the bundle that paints the first view.
 */
import { useEffect, useState } from 'react';

export function QrImage({ payload, label, testId }: { payload: string; label: string; testId?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 200 }))
      .then(
        (url) => live && setSrc(url),
        () => live && setSrc(null),
      );
    return () => {
      live = false;
    };
  }, [payload]);
  if (src === null) return null;
  return <img className="qr" src={src} alt={label} width={200} height={200} data-testid={testId} />;
}
