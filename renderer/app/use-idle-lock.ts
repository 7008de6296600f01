import { useEffect } from 'react';
import { DEFAULT_IDLE_LOCK_MINUTES, isIdle } from '../auth/lockout';
import { useApp } from './app-store';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel'] as const;

export function idleLockMinutes(): number {
  const configured = Number(localStorage.getItem('xiangyi.idleLockMinutes'));
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_IDLE_LOCK_MINUTES;
}

/** Locks the screen after a quiet spell, so a PC left on in a busy room shows no records. */
export function useIdleLock(): void {
  const lock = useApp((state) => state.lock);
  useEffect(() => {
    let last = Date.now();
    const touch = () => {
      last = Date.now();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, touch, { passive: true });
    const timer = window.setInterval(() => {
      if (isIdle(last, Date.now(), idleLockMinutes())) lock();
    }, 1000);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, touch);
      window.clearInterval(timer);
    };
  }, [lock]);
}
