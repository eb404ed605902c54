/**
 * Container: asks main for the organisation's key custody once when shown (which also makes the core rotate
 * its pending conversations when it learns of escrow mode), accepts a changed recovery key, and accepts
 * server-managed keys on this device (server-trusted mode). `compact`:
 * the messenger window's banner, silent when the status cannot be read (the Security panel says so).
 */
import { useEffect, useState } from 'react';
import type { CustodyStatusView } from '../../../common/ipc/schemas/custody';
import { BridgeError, windowBridge } from '../bridge/client';
import { CustodyNotice } from '../components/CustodyNotice';

const PROBLEM = 'Could not check whether your organisation can recover this conversation.';

export function CustodyNoticeContainer({ compact = false }: { compact?: boolean }) {
  const [status, setStatus] = useState<CustodyStatusView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    windowBridge()
      .custodyStatus()
      .then(
        (s) => live && setStatus(s),
        (err: unknown) => {
          console.error(`custody status: ${err instanceof BridgeError ? err.code : String(err)}`);
          if (live && !compact) setProblem(PROBLEM);
        },
      );
    return () => {
      live = false;
    };
  }, [compact]);
  const accept = (fingerprint: string) => {
    setBusy(true);
    windowBridge()
      .acceptEscrowRecipient(fingerprint)
      .then(setStatus, (err: unknown) => {
        console.error(`accept escrow recipient: ${err instanceof BridgeError ? err.code : String(err)}`);
        setProblem(PROBLEM);
      })
      .finally(() => setBusy(false));
  };
  const acceptServerKeys = () => {
    setBusy(true);
    windowBridge()
      .acceptServerKeys()
      .then(setStatus, (err: unknown) => {
        console.error(`accept server-managed keys: ${err instanceof BridgeError ? err.code : String(err)}`);
        setProblem(PROBLEM);
      })
      .finally(() => setBusy(false));
  };
  return <CustodyNotice status={status} problem={problem} busy={busy} onAccept={accept} onAcceptServerKeys={acceptServerKeys} compact={compact} />;
}
