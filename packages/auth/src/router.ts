import { createTRPCRouter, protectedProcedure, publicProcedure, rateLimit } from '@subkit/core';
import { noFieldsInput } from '@subkit/core/request-body';
import { changePassword, requestPasswordReset, resetPassword } from './recovery';
import {
  authSessionOutput,
  changePasswordInput,
  changePasswordOutput,
  requestPasswordResetInput,
  requestPasswordResetOutput,
  resendVerificationOutput,
  resetPasswordInput,
  signInInput,
  signUpInput,
  userOutput,
  verifyEmailInput,
  verifyEmailOutput,
} from './schemas';
import { signIn, signOut, signUp } from './service';
import { resendVerification, verifyEmail } from './verification';

// Password guessing, account-creation floods and link guessing are limited per client address.
const credentialProcedure = publicProcedure.use(rateLimit('auth', (ctx) => ctx.request.ip));

export const authRouter = createTRPCRouter({
  signUp: credentialProcedure
    .input(signUpInput)
    .output(authSessionOutput)
    .mutation(({ ctx, input }) => signUp(ctx, input)),

  signIn: credentialProcedure
    .input(signInInput)
    .output(authSessionOutput)
    .mutation(({ ctx, input }) => signIn(ctx, input)),

  signOut: protectedProcedure.input(noFieldsInput).mutation(async ({ ctx }) => {
    await signOut(ctx, ctx.session.id);
    return { signedOut: true as const };
  }),

  me: protectedProcedure.output(userOutput).query(({ ctx }) => {
    const { id, email, emailVerified } = ctx.session.user;
    return { id, email, emailVerified };
  }),

  /** Also limited per email address, inside: see `requestPasswordReset`. */
  requestPasswordReset: credentialProcedure
    .input(requestPasswordResetInput)
    .output(requestPasswordResetOutput)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, input)),

  resetPassword: credentialProcedure
    .input(resetPasswordInput)
    .output(authSessionOutput)
    .mutation(({ ctx, input }) => resetPassword(ctx, input)),

  verifyEmail: credentialProcedure
    .input(verifyEmailInput)
    .output(verifyEmailOutput)
    .mutation(({ ctx, input }) => verifyEmail(ctx, input)),

  resendVerification: protectedProcedure
    .use(rateLimit('mail', (ctx) => `user:${ctx.session?.user.id}`))
    .input(noFieldsInput)
    .output(resendVerificationOutput)
    .mutation(({ ctx }) => resendVerification(ctx, ctx.session.user)),

  // Guessing the current password is password guessing: the same per-address limit as sign-in.
  changePassword: protectedProcedure
    .use(rateLimit('auth', (ctx) => ctx.request.ip))
    .input(changePasswordInput)
    .output(changePasswordOutput)
    .mutation(({ ctx, input }) => changePassword(ctx, { id: ctx.session.id, userId: ctx.session.user.id }, input)),
});
