import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { uuidParam } from '../common/params.js';
import { CurrentActor, Roles } from './roles.decorator.js';
import { CreateTokenDto } from './token.dto.js';
import { TokenService } from './token.service.js';

@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/tokens')
@Roles('admin')
export class TokensController {
  constructor(@Inject(TokenService) private readonly tokens: TokenService) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Body() dto: CreateTokenDto) {
    return this.tokens.create(actor, dto.name, dto.role);
  }

  @Get()
  async list() {
    return { items: await this.tokens.list() };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string) {
    return this.tokens.revoke(actor, id);
  }
}
